/**
 * A tiny service compiled once the lab is idle, so the learner's first edited text does not
 * pay for esbuild's start and first build (~0.5 s); later builds take milliseconds.
 */
export const WARM_UP_CODE = `export default async function (app: any) {
  app.get('/warm', async () => 'ok');
}
`;
