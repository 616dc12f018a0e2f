import { Injectable, type PipeTransform } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error.js';
import { formParam, formParams } from './form-params.js';

export interface TokenParams {
  token: string;
  tokenTypeHint?: string;
}

/**
 * The parameters of RFC 7009 §2.1 and RFC 7662 §2.1: `token` (required) and an optional
 * `token_type_hint`. Unknown hint values are not errors: the server searches all of its
 * token types anyway. Repeated parameters are refused.
 */
@Injectable()
export class TokenParamsPipe implements PipeTransform<unknown, TokenParams> {
  transform(body: unknown): TokenParams {
    const params = formParams(body);
    const token = formParam(params, 'token');
    if (token === undefined) throw new DomainError('invalid_request', 'token is required');
    return { token, tokenTypeHint: formParam(params, 'token_type_hint') };
  }
}
