import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class LoginDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(320)
  loginId: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  clientId: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  clientSecret?: string;

  /** Space-delimited; defaults to every scope of the client. */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  scope?: string;

  /** Answer in cookie mode (public clients only). */
  @IsOptional()
  @IsBoolean()
  cookies?: boolean;
}
