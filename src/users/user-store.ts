/**
 * What the token core needs to know about users. A host application can bind its own
 * implementation to USER_STORE (see the README, "Use it in your Nest app").
 */
export interface UserRecord {
  id: string;
  loginId: string;
  roles: string[];
  disabled: boolean;
}

export interface UserStore {
  /** The user, or null if unknown. Read at every refresh, so role changes reach the next access token. */
  findById(id: string): Promise<UserRecord | null>;
  /** The user whose credentials these are, or null. Must not reveal which part was wrong. */
  verifyCredentials(loginId: string, password: string): Promise<UserRecord | null>;
}

export const USER_STORE = Symbol('USER_STORE');
