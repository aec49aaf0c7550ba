/** The tutorial's client: node --import tsx examples/tutorial/client.ts (PORT, default 9090; start a server first). */
import { runTutorialClient } from './calculator.js';

await runTutorialClient(Number(process.env.PORT ?? 9090));
