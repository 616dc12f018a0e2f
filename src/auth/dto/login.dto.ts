import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ maxLength: 320 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(320)
  loginId: string;

  @ApiProperty({ maxLength: 1024, format: 'password' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password: string;

  @ApiProperty({ maxLength: 64 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  clientId: string;

  @ApiPropertyOptional({ maxLength: 256, description: 'A confidential client authenticates here or by client_secret_basic' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  clientSecret?: string;

  @ApiPropertyOptional({ maxLength: 1024, description: 'Space-delimited; defaults to every scope of the client' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  scope?: string;

  @ApiPropertyOptional({ description: 'Answer in cookie mode (public clients only)' })
  @IsOptional()
  @IsBoolean()
  cookies?: boolean;
}
