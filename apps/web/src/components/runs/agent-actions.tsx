import { useRef, useState } from 'react';
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
  const deployButton = useRef<HTMLButtonElement>(null);
  const tryButton = useRef<HTMLButtonElement>(null);
  if (!canWrite(session) || agent.status !== 'listed') return null;
  // The dialogs are mounted only while open, so Radix has no trigger to give focus back to: do it here.
  const openChange = (which: 'deploy' | 'try') => (open: boolean) => {
    setDialog(open ? which : null);
    if (!open) requestAnimationFrame(() => (which === 'deploy' ? deployButton : tryButton).current?.focus());
  };
  return (
    <div className="flex shrink-0 gap-2">
      <Button ref={deployButton} onClick={() => setDialog('deploy')}>
        <Rocket className="h-4 w-4" aria-hidden="true" /> Deploy
      </Button>
      <Button ref={tryButton} variant="secondary" onClick={() => setDialog('try')}>
        <Play className="h-4 w-4" aria-hidden="true" /> Try
      </Button>
      {dialog === 'deploy' && <DeployDialog agent={agent} open onOpenChange={openChange('deploy')} />}
      {dialog === 'try' && (
        <TryDialog agent={{ agent_id: agent.agent_id, name: agent.manifest.name, input_schema: agent.input_schema }} open onOpenChange={openChange('try')} />
      )}
    </div>
  );
}
