// The compiler keeps the source layout (dist/src/…, dist/ormconfig.js); operators and
// process managers start the service as `node dist/main.js`, so give them that entry.
import { writeFileSync } from 'node:fs';

writeFileSync(new URL('../dist/main.js', import.meta.url), "import './src/main.js';\n");
