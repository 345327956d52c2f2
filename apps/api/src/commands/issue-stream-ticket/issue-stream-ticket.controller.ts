import { Actor } from '@app/domain';
import { Allow, CurrentActor } from '@app/platform';
import { Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { TicketService } from '../../shared/tickets';

@ApiTags('moderation')
@ApiBearerAuth()
@Controller('moderation/stream-tickets')
export class IssueStreamTicketController {
  constructor(private readonly tickets: TicketService) {}

  /**
   * A ticket for GET /moderation/stream?ticket=..., valid 60 seconds for that stream only
   * (not the dashboard, not the API). EventSource cannot send the bearer token itself.
   */
  @Post()
  @Allow('moderator')
  @ApiCreatedResponse({ description: '{ticket, expiresAt}' })
  issue(@CurrentActor() actor: Actor) {
    return this.tickets.issue('moderation-stream', actor);
  }
}
