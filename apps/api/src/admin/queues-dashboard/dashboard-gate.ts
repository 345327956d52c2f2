import { problemOf, rankOf, ROLE_RANK, toProblem } from '@app/platform';
import { TicketService } from '../../shared/tickets';
import { DASHBOARD_ROUTE, DashboardSession, sessionCookieOf } from './dashboard-session';

/** What the gate uses of Express's request and response (the project carries no Express types). */
interface Request {
  method: string;
  originalUrl: string;
  secure: boolean;
  headers: { cookie?: string };
}
interface Response {
  status(code: number): Response;
  type(t: string): Response;
  send(body: string): void;
  setHeader(name: string, value: string): void;
  redirect(status: number, url: string): void;
}
type NextFunction = (error?: unknown) => void;

const TICKETS_PATH = `${DASHBOARD_ROUTE}/tickets`;

function answer(res: Response, status: number, detail: string): void {
  res.status(status).type('application/problem+json').send(JSON.stringify(problemOf(status, detail)));
}

/**
 * Guards the dashboard, which is Express middleware that Nest's guards never see and that a
 * browser loads without a bearer header: `?ticket=` (one use, from POST /admin/queues/tickets)
 * becomes a session cookie and a redirect; anything else needs that cookie, else 401.
 */
export function dashboardGate(tickets: TicketService, session: DashboardSession) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const url = new URL(req.originalUrl, 'http://dashboard');
      // The ticket endpoint is a Nest route with its own bearer check.
      if (req.method === 'POST' && url.pathname.replace(/\/$/, '') === TICKETS_PATH) return next();
      const offered = url.searchParams.getAll('ticket');
      if (offered.length > 0) {
        if (offered.length > 1) return answer(res, 400, 'ticket must be given once');
        if (req.method !== 'GET') return answer(res, 405, 'a ticket is exchanged with GET');
        const holder = await tickets.redeem('queues-dashboard', offered[0]);
        if (!holder) return answer(res, 401, 'the ticket is unknown, used, expired or not for the dashboard: get a new one from POST /admin/queues/tickets');
        if (rankOf(holder.role) < ROLE_RANK.admin) return answer(res, 403, 'this needs the admin role');
        res.setHeader('Set-Cookie', session.cookie(session.issue(holder.sub), req.secure));
        // Off the URL at once: the ticket is spent, and the address bar and history drop it.
        res.redirect(303, DASHBOARD_ROUTE);
        return;
      }
      if (session.verify(sessionCookieOf(req.headers.cookie)) === null) {
        return answer(res, 401, 'open the dashboard with a ticket from POST /admin/queues/tickets (admin bearer token)');
      }
      next();
    } catch (error) {
      const { problem, headers } = toProblem(error);
      for (const [k, v] of Object.entries(headers ?? {})) res.setHeader(k, v);
      res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
    }
  };
}
