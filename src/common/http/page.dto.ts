import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

type Constructor = new (...args: never[]) => object;

/** The OpenAPI shape of `Page<Item>` (pagination.ts), one named class per item type. */
export function PageOf<Item extends Constructor>(item: Item, name: string) {
  class Page {
    @ApiProperty({ type: [item] })
    items: InstanceType<Item>[];

    @ApiPropertyOptional({ description: 'Pass as `cursor` for the next page; absent on the last one' })
    nextCursor?: string;
  }
  Object.defineProperty(Page, 'name', { value: name });
  return Page;
}
