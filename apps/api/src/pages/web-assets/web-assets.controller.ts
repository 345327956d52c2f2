import { Allow } from '@app/platform';
import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readWebAsset, WEB_ASSETS, WebAsset } from './web-assets';

type Response = { setHeader(k: string, v: string): void; send(body: Buffer): void };

/** The embed script at a stable path (sites link it), the console's script, and the pages' stylesheets. */
@ApiExcludeController()
@Controller()
export class WebAssetsController {
  @Get('embed.js')
  @Allow('anyone')
  embed(@Res() res: Response) {
    this.send('embed.js', res);
  }

  @Get('article.css')
  @Allow('anyone')
  styles(@Res() res: Response) {
    this.send('article.css', res);
  }

  @Get('console.js')
  @Allow('anyone')
  console(@Res() res: Response) {
    this.send('console.js', res);
  }

  @Get('console.css')
  @Allow('anyone')
  consoleStyles(@Res() res: Response) {
    this.send('console.css', res);
  }

  private send(name: WebAsset, res: Response) {
    const content = readWebAsset(name);
    if (!content) throw new ServiceUnavailableException(`${name} is not built: run npm run build`);
    res.setHeader('Content-Type', WEB_ASSETS[name]);
    // A stable path: browsers keep it a few minutes, then ask again.
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.send(content);
  }
}
