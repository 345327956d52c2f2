import { Actor } from '@app/domain';
import { Allow, CurrentActor } from '@app/platform';
import { Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { TicketService } from '../../shared/tickets';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/queues/tickets')
export class IssueDashboardTicketController {
  constructor(private readonly tickets: TicketService) {}

  /**
   * A one-time ticket, valid 60 seconds, for the BullMQ dashboard: open
   * /admin/queues?ticket=... in a browser, which exchanges it for a 15-minute session cookie.
   */
  @Post()
  @Allow('admin')
  @ApiCreatedResponse({ description: '{ticket, expiresAt}' })
  issue(@CurrentActor() actor: Actor) {
    return this.tickets.issue('queues-dashboard', actor);
  }
}
