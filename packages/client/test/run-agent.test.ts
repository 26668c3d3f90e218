import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../apps/server/test/support/test-app.ts';
import { agentSource, deploy, developer, marketplaceEnv, newSandbox, payer, platformAdminToken, publishAgent, testWorker, walletBalance } from '../../../apps/server/test/support/marketplace-kit.ts';
import type { Sandbox } from '@frameos/sandbox';
import type { ExecutionWorker } from '../../../apps/server/src/modules/executions/execution-runner.ts';
import { ApprovalRequiredError, createFrameOSClient, InsufficientFundsError, type Execution, type ExecutionLog } from '../src/index.ts';

/** runAgent against a live server and a running worker with the real sandbox. */
describe('@frameos/client runAgent', () => {
  const t = useTestApp({ env: marketplaceEnv });
  const HELLO = 'agt_hello_client';
  let baseUrl: string;
  let sandbox: Sandbox;
  let worker: ExecutionWorker;

  beforeAll(async () => {
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    sandbox = newSandbox();
    worker = testWorker(t, sandbox);
    worker.start();
    const dev = await developer(t);
    await publishAgent(t, dev, await platformAdminToken(t), agentSource('hello-world'), { id: HELLO });
  });

  afterAll(async () => {
    await worker.stop();
    await sandbox.close();
  });

  it('executes and follows the run to the end: progress, logs, outputs and cost', async () => {
    const buyer = await payer(t, [HELLO]);
    const deployment = await deploy(t, buyer, HELLO);
    const frameos = createFrameOSClient({ baseUrl, apiKey: buyer.agentKey });
    const seen: string[] = [];
    const logs: ExecutionLog[] = [];
    const done = await frameos.runAgent(HELLO, { deployment_id: deployment, inputs: { name: 'Client' } }, {
      pollMs: 20,
      onProgress: ({ execution, newLogs }: { execution: Execution; newLogs: ExecutionLog[] }) => {
        if (seen.at(-1) !== execution.status) seen.push(execution.status);
        logs.push(...newLogs);
      },
    });
    expect(done).toMatchObject({ status: 'succeeded', outputs: { greeting: 'Hello, Client' }, cost: { amount: 100, currency: 'USD' } });
    expect(seen.at(-1)).toBe('succeeded');
    expect(logs.map((l) => l.seq)).toEqual([...logs.keys()].map((i) => i + 1));
    expect(await walletBalance(t, buyer)).toBe(10_000 - 100);
  });

  it('throws at once when the run waits for a person, and when the wallet cannot pay', async () => {
    const careful = await payer(t, [HELLO], { policy: { approval_threshold: 50 } });
    const held = await createFrameOSClient({ baseUrl, apiKey: careful.agentKey })
      .runAgent(HELLO, { deployment_id: await deploy(t, careful, HELLO), inputs: { name: 'Later' } }, { pollMs: 20 })
      .catch((e: unknown) => e);
    expect(held).toBeInstanceOf(ApprovalRequiredError);
    expect((held as ApprovalRequiredError).mandateId).toMatch(/^mdt_/);
    expect((held as ApprovalRequiredError).executionId).toMatch(/^exe_/);

    const poor = await payer(t, [HELLO], { balance: 50 });
    const refused = await createFrameOSClient({ baseUrl, apiKey: poor.agentKey })
      .runAgent(HELLO, { deployment_id: await deploy(t, poor, HELLO), inputs: { name: 'x' } })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InsufficientFundsError);
  });
});
