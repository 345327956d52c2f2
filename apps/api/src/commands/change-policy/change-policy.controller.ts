import { Actor } from '@app/domain';
import { Allow, CurrentActor, ProblemException } from '@app/platform';
import { Body, Controller, Headers, HttpCode, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { policyResource } from '../../queries/get-policy/policy-resource';
import { ChangePolicyCommand } from './change-policy.command';
import { PolicyDto } from './policy.dto';

/** A strong ETag naming the policy version read: `"4"`. */
const ETAG = /^"(\d{1,9})"$/;

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/policy')
export class ChangePolicyController {
  constructor(private readonly commands: CommandBus) {}

  /** Replaces the moderation policy; every verdict from then on names the new version. */
  @Put()
  @Allow('admin')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag of the policy as read (GET /admin/policy); 428 without it, 412 if it changed since' })
  @ApiOkResponse({ description: 'The policy now in force, with its version; its ETag' })
  async change(
    @Body() dto: PolicyDto,
    @CurrentActor() admin: Actor,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void },
  ) {
    if (ifMatch === undefined) throw new ProblemException(428, 'a policy change needs If-Match with the ETag of the policy as you read it');
    const seen = ETAG.exec(ifMatch.trim());
    if (!seen) throw new ProblemException(412, 'If-Match must be the one ETag you read, such as "3"');
    const { reason, ...rules } = dto;
    const { policy, changedAt } = await this.commands.execute(new ChangePolicyCommand(JSON.parse(JSON.stringify(rules)), reason?.trim() || null, admin, Number(seen[1])));
    res.setHeader('ETag', `"${policy.version}"`);
    return policyResource(policy, changedAt);
  }
}
