// Bootstrap of the process a CLI run happens in (see run-in-child.ts): registers the
// TypeScript loader, then runs the TypeScript side.
import { register } from 'tsx/esm/api';

register();
await import('./run-child.ts');
