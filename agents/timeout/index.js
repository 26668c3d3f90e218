export default async function handler(inputs, ctx) {
  ctx.log('started', inputs.mode);
  if (inputs.mode === 'sync_loop') {
    for (;;) {
      // spins until the sandbox interrupts it
    }
  }
  if (inputs.mode === 'never_settles') return new Promise(() => {});
  throw new Error(`Unknown mode: ${String(inputs.mode)}`);
}
