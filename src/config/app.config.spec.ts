import { ConfigError } from './env-reader.js';
import { readAppConfig } from './app.config.js';

describe('readAppConfig', () => {
  it('derives the default ISSUER from PORT, so changing the port alone keeps tokens and metadata consistent', () => {
    expect(readAppConfig({}).issuer).toBe('http://localhost:3030');
    expect(readAppConfig({ PORT: '3130' }).issuer).toBe('http://localhost:3130');
  });

  it('keeps an explicit ISSUER whatever the port, without a trailing slash', () => {
    expect(readAppConfig({ PORT: '3130', ISSUER: 'https://auth.example.com/' }).issuer).toBe('https://auth.example.com');
  });

  it('stops on an ISSUER that is not an http(s) URL, naming it', () => {
    expect(() => readAppConfig({ ISSUER: 'ftp://auth.example.com' })).toThrow(ConfigError);
    expect(() => readAppConfig({ ISSUER: 'ftp://auth.example.com' })).toThrow(/^ISSUER /);
  });
});
