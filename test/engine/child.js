// A second process for the journal and lock tests, on the built modules of dist/ (npm run build):
//   journal <path>  appends {seq} forever, 32 in flight, printing each seq once its append resolved
//   fill <path>     appends until a write fails (run under `ulimit -f`), then prints what resolved
//   lock <path>     prints "ready", waits for "go" on stdin, tries the lock, prints the attempt as JSON,
//                   then holds what it got until stdin closes

import { createInterface } from 'node:readline';

const [mode, path] = process.argv.slice(2);

if (mode === 'journal') {
  const { openJournal } = await import('../../dist/engine/journal.js');
  const journal = openJournal(path);
  let next = 0;
  const one = async () => {
    for (;;) {
      const seq = next++;
      await journal.append({ seq, pad: 'x'.repeat(seq % 300) });
      // A pipe is written synchronously: once printed, the parent can count on it.
      process.stdout.write(`${seq}\n`);
    }
  };
  for (let i = 0; i < 32; i++) void one();
} else if (mode === 'fill') {
  const { openJournal } = await import('../../dist/engine/journal.js');
  const journal = openJournal(path);
  const outcomes = await Promise.all(
    Array.from({ length: 400 }, async (_, seq) => {
      // Staggered, so that some appends wait behind the write that fails.
      await new Promise((resolve) => setTimeout(resolve, seq % 40));
      try {
        await journal.append({ seq, pad: 'y'.repeat(200) });
        return { seq, ok: true };
      } catch (e) {
        return { seq, ok: false, error: e.message, name: e.name };
      }
    }),
  );
  let closeError;
  try {
    await journal.close();
  } catch (e) {
    closeError = e.message;
  }
  process.stdout.write(`${JSON.stringify({ outcomes, closeError })}\n`);
} else if (mode === 'lock') {
  const { acquireLock } = await import('../../dist/files/lock.js');
  const lines = createInterface({ input: process.stdin });
  process.stdout.write('ready\n');
  let attempt;
  for await (const line of lines) {
    if (line === 'go' && attempt === undefined) {
      try {
        attempt = acquireLock(path, `child ${process.pid}`);
        process.stdout.write(
          `${JSON.stringify('held' in attempt ? { held: attempt.held.holder } : { heldBy: attempt.heldBy })}\n`,
        );
      } catch (e) {
        process.stdout.write(`${JSON.stringify({ error: e.message })}\n`);
      }
    }
  }
  if (attempt !== undefined && 'held' in attempt) attempt.held.release();
} else {
  throw new Error(`unknown mode ${mode}`);
}
