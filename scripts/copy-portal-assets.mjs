// The portal's static files are not TypeScript: copy them beside the compiled controller.
import { cpSync } from 'node:fs';

cpSync(new URL('../src/portal/static/', import.meta.url), new URL('../dist/src/portal/static/', import.meta.url), { recursive: true });
