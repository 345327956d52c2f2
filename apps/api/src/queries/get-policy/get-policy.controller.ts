import { Allow, PolicyInForce } from '@app/platform';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { policyResource } from './policy-resource';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/policy')
export class GetPolicyController {
  constructor(private readonly policies: PolicyInForce) {}

  /** The moderation policy in force, read to the end of its stream; its ETag is the version. */
  @Get()
  @Allow('admin')
  @ApiOkResponse({ description: 'Word lists, thresholds, limits, flag threshold and default mode, with version and changedAt' })
  async get(@Res({ passthrough: true }) res: { setHeader(k: string, v: string): void }) {
    const { site } = await this.policies.forChange();
    res.setHeader('ETag', `"${site.policy.version}"`);
    res.setHeader('Cache-Control', 'no-store');
    return policyResource(site.policy, site.changedAt);
  }
}
