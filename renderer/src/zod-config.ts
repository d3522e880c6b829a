import { z } from 'zod';

// Zod probes `new Function` to compile fast parsers; under the UI's CSP (no 'unsafe-eval') the probe is
// refused and reported as a violation. jitless skips the probe. Imported first by main.tsx.
z.config({ jitless: true });
