/**
 * A tiny service compiled before the learner's first run: esbuild's first build is slow
 * (~0.5 s), later ones take milliseconds.
 */
export const WARM_UP_CODE = `export default async function (app: any) {
  app.get('/warm', async () => 'ok');
}
`;
