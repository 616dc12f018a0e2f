import { OmitType, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export class CreateClientDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  audience: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(SCOPE_TOKEN, { each: true, message: 'each scope must be a scope token (no spaces or quotes)' })
  scopes?: string[];

  @IsOptional()
  @IsBoolean()
  public?: boolean;
}

/** Every field of a client but its kind (public or confidential), which is fixed at creation. */
export class UpdateClientDto extends PartialType(OmitType(CreateClientDto, ['public'] as const)) {}

export class CreateUserDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(320)
  loginId: string;

  @IsString()
  @MinLength(8)
  @MaxLength(1024)
  password: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  roles?: string[];
}

export class UpdateUserDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  roles?: string[];

  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(1024)
  password?: string;
}
