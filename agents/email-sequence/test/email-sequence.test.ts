import { describe, expect, it } from 'vitest';
import { useAgent } from '../../test/support.ts';

// Locally, email.send is recorded (result.record.emails) and answered in the platform's shapes; the
// platform's own scheduling, sending and cancelling is tested in apps/server/test/http/native-agents.test.ts.
const DAY = 86_400_000;
const STEPS = [
  { subject: 'Welcome, {{first_name}}', text: 'Hi {{name}}, welcome to {{product}}.', delay_days: 0 },
  { subject: 'Tips for {{company|your team}}', text: 'Hi {{first_name}}, three tips.', html: '<p>Hi {{first_name}}</p>', delay_days: 2 },
  { subject: 'Checking in', text: 'Any questions, {{first_name}}?', delay_days: 3.5 },
];

describe('agt_email_sequence', () => {
  const agent = useAgent('email-sequence');

  it('has a manifest the registry accepts', () => {
    expect(agent.pkg().problems).toEqual([]);
    expect(agent.pkg().manifest).toMatchObject({ id: 'agt_email_sequence', pricing: { model: 'subscription', amount: 500, currency: 'USD' }, capabilities: ['email', 'webhook'], metadata: { category: 'marketing' } });
  });

  it('sends the first step at once, schedules the rest at the cumulative delays, and emits campaign.scheduled', async () => {
    const before = Date.now();
    const result = await agent.run({ recipient: { email: 'ada@example.com', name: 'Ada Lovelace', fields: { company: 'Engines <Ltd>' } }, steps: STEPS, variables: { product: 'FrameOS' } });
    expect(result.status, JSON.stringify(result.error)).toBe('succeeded');
    const out = result.outputs!;
    const emails = out.emails as { step: number; status: string; send_at: string; id: string | null; subject: string }[];
    expect(emails.map((e) => [e.step, e.status, e.subject])).toEqual([[1, 'sent', 'Welcome, Ada'], [2, 'scheduled', 'Tips for Engines <Ltd>'], [3, 'scheduled', 'Checking in']]);
    const at = emails.map((e) => Date.parse(e.send_at) - before);
    expect(at[0]).toBeLessThan(5_000);
    expect(at[1]).toBeGreaterThanOrEqual(2 * DAY);
    expect(at[1]).toBeLessThan(2 * DAY + 5_000);
    expect(at[2]! - at[1]!).toBe(3.5 * DAY);
    expect(out).toMatchObject({ campaign_id: expect.stringMatching(/^exe_local_/), recipients: 1, sent: 1, scheduled: 2, failed: 0, dry_run: false, ends_at: emails[2]!.send_at });
    // What went to ctx.email.send: personalised, send_at only on the later steps, HTML values escaped.
    const sent = result.record.emails;
    expect(sent[0]).toEqual({ to: 'ada@example.com', subject: 'Welcome, Ada', text: 'Hi Ada Lovelace, welcome to FrameOS.' });
    expect(sent[1]).toMatchObject({ subject: 'Tips for Engines <Ltd>', html: '<p>Hi Ada</p>', send_at: emails[1]!.send_at });
    expect(sent[2]).toMatchObject({ text: 'Any questions, Ada?', send_at: emails[2]!.send_at });
    expect(result.record.events).toEqual([{ type: 'campaign.scheduled', data: expect.objectContaining({ campaign_id: out.campaign_id, sent: 1, scheduled: 2, steps: expect.arrayContaining([expect.objectContaining({ step: 3, scheduled: 1 })]) }) }]);
  });

  it('a list: everyone gets step 1 first; start_at in the future schedules the first step too; dry run sends nothing', async () => {
    const start = new Date(Date.now() + DAY).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const result = await agent.run({ recipients: [{ email: 'a@example.com', name: 'Ann' }, { email: 'b@example.com' }], steps: [{ subject: 'Hello {{first_name|there}}', text: 'x' }, { subject: 'Again', text: 'y', delay_days: 1 }], start_at: start });
    const emails = result.outputs!.emails as { recipient: string; step: number; status: string; send_at: string; subject: string }[];
    expect(emails.map((e) => `${e.step}:${e.recipient}:${e.status}`)).toEqual(['1:a@example.com:scheduled', '1:b@example.com:scheduled', '2:a@example.com:scheduled', '2:b@example.com:scheduled']);
    expect(emails[0]!.send_at).toBe(new Date(start).toISOString());
    expect(Date.parse(emails[2]!.send_at) - Date.parse(start)).toBe(DAY);
    expect(emails[1]!.subject).toBe('Hello there');

    const dry = await agent.run({ recipient: { email: 'a@example.com', name: 'Ann' }, steps: STEPS, variables: { product: 'P' }, dry_run: true });
    expect(dry.outputs).toMatchObject({ dry_run: true, sent: 0, scheduled: 0, steps: [{ step: 1 }, { step: 2 }, { step: 3 }] });
    expect((dry.outputs!.emails as { status: string }[]).every((e) => e.status === 'planned')).toBe(true);
    expect(dry.record.emails).toEqual([]);
    expect(dry.record.events).toEqual([]);
  });

  it('refuses bad inputs and template problems before sending anything', async () => {
    const one = { recipient: { email: 'a@example.com', name: 'A' } };
    const refused = async (inputs: Record<string, unknown>, message: RegExp) => {
      const result = await agent.run(inputs);
      expect(result, JSON.stringify(inputs)).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(message) } });
      expect(result.record.emails).toEqual([]);
    };
    await refused({ ...one, steps: [] }, /inputs\.steps/);
    await refused({ recipient: { email: 'not-an-email' }, steps: STEPS }, /inputs\.recipient\.email/);
    await refused({ ...one, steps: [{ subject: 's', text: 't', delay_days: -1 }] }, /inputs\.steps\.0\.delay_days/);
    await refused({ steps: STEPS }, /No recipient/);
    await refused({ ...one, recipients: [{ email: 'b@example.com' }], steps: STEPS }, /not both/);
    await refused({ ...one, steps: [{ subject: 's', text: 't' }, { subject: 's', text: 't', delay_days: 60 }, { subject: 's', text: 't', delay_days: 31 }] }, /more than 90 days ahead/);
    await refused({ recipients: Array.from({ length: 10 }, (_, i) => ({ email: `r${i}@example.com` })), steps: STEPS.slice(0, 1).concat(STEPS, STEPS) }, /10 recipients × 7 steps = 70 emails; at most 30/);
    await refused({ ...one, steps: STEPS }, /steps\[0\]\.text: \{\{product\}\} is not a known placeholder/);
    await refused({ recipient: { email: 'a@example.com' }, steps: [{ subject: 'Hi {{first_name}}', text: 't' }] }, /steps\[0\]\.subject: \{\{first_name\}\} is empty for a@example\.com; give a fallback/);
    await refused({ ...one, steps: STEPS, start_at: 'tomorrow' }, /inputs\.start_at/);
  });
});
