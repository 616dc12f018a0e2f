import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { MAX_TOKEN_LENGTH } from '../../common/token-limits.js';

/**
 * The body-mode shape, validated so that unknown fields get a 400. The tokens themselves
 * reach the controller through the guards, never from here.
 */
export class RefreshBodyDto {
  @ApiPropertyOptional({ maxLength: MAX_TOKEN_LENGTH, description: 'Body mode; ignored when the refresh_token cookie is present' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TOKEN_LENGTH)
  refreshToken?: string;

  @ApiPropertyOptional({ maxLength: MAX_TOKEN_LENGTH, description: 'An access token of the same user (expiry ignored)' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TOKEN_LENGTH)
  token?: string;
}

export class LogoutBodyDto extends RefreshBodyDto {
  @ApiPropertyOptional({ description: 'Revoke every family of the user, not only the presented one' })
  @IsOptional()
  @IsBoolean()
  global?: boolean;
}
