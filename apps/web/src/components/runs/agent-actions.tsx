import { useState } from 'react';
import { Play, Rocket } from 'lucide-react';
import type { AgentDetail } from '@/api/queries';
import { canWrite, useSession } from '@/auth/session';
import { Button } from '@/components/ui/button';
import { DeployDialog } from './deploy-dialog';
import { TryDialog } from './try-dialog';

/** Deploy (the mandate modal) and Try (the input form and the run live) on the agent's page; hidden from viewers. */
export function AgentActions({ agent }: { agent: AgentDetail }) {
  const session = useSession();
  const [dialog, setDialog] = useState<'deploy' | 'try' | null>(null);
  if (!canWrite(session) || agent.status !== 'listed') return null;
  return (
    <div className="flex shrink-0 gap-2">
      <Button onClick={() => setDialog('deploy')}>
        <Rocket className="h-4 w-4" aria-hidden="true" /> Deploy
      </Button>
      <Button variant="secondary" onClick={() => setDialog('try')}>
        <Play className="h-4 w-4" aria-hidden="true" /> Try
      </Button>
      {dialog === 'deploy' && <DeployDialog agent={agent} open onOpenChange={(o) => setDialog(o ? 'deploy' : null)} />}
      {dialog === 'try' && (
        <TryDialog agent={{ agent_id: agent.agent_id, name: agent.manifest.name, input_schema: agent.input_schema }} open onOpenChange={(o) => setDialog(o ? 'try' : null)} />
      )}
    </div>
  );
}
