import { ArticleViewProjection } from './projections/article-view.projection';
import { AutoCloseScheduleProjection } from './projections/auto-close-schedule.projection';
import { ModerationLogProjection } from './projections/moderation-log.projection';
import { ModerationQueuesProjection } from './projections/moderation-queues.projection';
import { Projection } from './projections/projection';
import { ReplyDetailProjection } from './projections/reply-detail.projection';
import { SpamModelProjection } from './projections/spam-model.projection';
import { ThreadProjection } from './projections/thread.projection';
import { ViewNames } from './view-names';

/** The projections the worker keeps live, each one consumer with its own checkpoint and lease. */
export const liveProjections = (): Projection[] => [new ThreadProjection(), new ArticleViewProjection(), new ReplyDetailProjection(), new ModerationQueuesProjection(), new ModerationLogProjection(), new SpamModelProjection(), new AutoCloseScheduleProjection()];

/** Where readers find the live views. */
export const liveViewNames = (): ViewNames => ViewNames.of(liveProjections());
