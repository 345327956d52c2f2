/**
 * The moderator console's frame: the app (/console.js, web/console) renders into #console. No
 * inline script or style (the page CSP allows neither); whether the development sign-in is on
 * travels as a data attribute, so the page needs no extra request to know it.
 */
export function consolePage(opts: { devSignIn: boolean }): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Moderation · Reply section</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="/console.css">
    <script src="/console.js" defer></script>
  </head>
  <body>
    <div id="console" data-dev-sign-in="${opts.devSignIn ? 'true' : 'false'}">
      <noscript><p>The moderator console needs JavaScript. The API it uses is documented at /docs.</p></noscript>
    </div>
  </body>
</html>
`;
}
