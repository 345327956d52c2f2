import { Module } from '@nestjs/common';
import { TicketService } from './tickets';

/** Tickets for what a browser opens without a bearer header: the moderation stream, the queues dashboard. */
@Module({ providers: [TicketService], exports: [TicketService] })
export class TicketsModule {}
