import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProfileSite {
  /** `http://127.0.0.1:<port>`: the profile is at /in/marie-curie, the provider at /v1/connection-requests. */
  url: string;
  /** The connection requests the provider endpoint received. */
  providerCalls: { headers: IncomingMessage['headers']; body: string }[];
  close: () => Promise<void>;
}

const profilePage = (name: string, headline: string, company: string) => `<!doctype html><html><head><title>${name} | LinkedIn</title></head><body>
  <section class="top-card-layout">
    <h1 class="top-card-layout__title">${name}</h1>
    <h2 class="top-card-layout__headline">${headline}</h2>
    <div data-section="currentPositionsDetails"><a class="top-card-link"><span class="top-card-link__description">${company}</span></a></div>
    <div class="profile-info-subheader" id="sub"></div>
  </section>
  <script>document.getElementById('sub').innerHTML = '<span class="top-card__subline-item">Zürich, Switzerland</span>';</script>
</body></html>`;

/**
 * LinkedIn Outreach's outside world on loopback: a profile page whose location is written by a
 * script (so only a real browser sees it), and a connection-request provider that answers 201 to
 * the bearer key `pk_live_test` and 401 to any other.
 */
export async function startProfileSite(): Promise<ProfileSite> {
  const providerCalls: ProfileSite['providerCalls'] = [];
  const site = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/in/marie-curie') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(profilePage('Marie Curie', 'Head of Research at Radium Labs', 'Radium Labs'));
      }
      if (req.url === '/v1/connection-requests' && req.method === 'POST') {
        providerCalls.push({ headers: req.headers, body });
        const ok = req.headers.authorization === 'Bearer pk_live_test';
        res.writeHead(ok ? 201 : 401, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(ok ? { id: `cr_${providerCalls.length}`, status: 'pending' } : { error: 'bad key' }));
      }
      res.writeHead(404);
      res.end('not found');
    });
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(site.address() as AddressInfo).port}`,
    providerCalls,
    close: async () => {
      site.closeAllConnections();
      await new Promise<void>((resolve) => site.close(() => resolve()));
    },
  };
}
