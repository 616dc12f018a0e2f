import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Small values the service generates for itself (a development key-encryption key). */
@Entity({ name: 'settings' })
export class Setting {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  key: string;

  @Column({ type: 'text' })
  value: string;
}
