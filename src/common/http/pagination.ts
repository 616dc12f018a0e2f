import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** `?limit=&cursor=` of every list endpoint. */
export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ maxLength: 96, description: 'The `nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  // Long enough for every cursor we hand out (a webhook delivery's is about 70 characters).
  @MaxLength(96)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; absent on the last one. */
  nextCursor?: string;
}

/** Keyset pagination: fetch one more than asked to know whether a next page exists. */
export async function paginate<T>(
  limit: number | undefined,
  fetch: (take: number) => Promise<T[]>,
  cursorOf: (item: T) => string,
): Promise<Page<T>> {
  const size = limit ?? 50;
  const rows = await fetch(size + 1);
  const items = rows.slice(0, size);
  return rows.length > size ? { items, nextCursor: cursorOf(items[items.length - 1]!) } : { items };
}
