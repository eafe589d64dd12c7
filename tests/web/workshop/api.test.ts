/**
 * The workshop API client: the token travels in a header, never the URL; the server's own
 * refusal reaches the person in its words; a static file server (no workshop server) and a
 * network failure read as plain messages, and only what can succeed later is retryable.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NO_ANSWER, NO_SERVER, WorkshopApiError, workshopApi } from '../../../web/workshop/api.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

function answer(res: () => Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return res();
  });
  return calls;
}

const refusal = async (p: Promise<unknown>): Promise<WorkshopApiError> => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkshopApiError);
  return err as WorkshopApiError;
};

describe('the workshop API client', () => {
  it('sends the token in the Authorization header and the body as JSON', async () => {
    const calls = answer(() => Response.json({ handRaised: true }));
    expect(await workshopApi.hand('K7QXM2', 'secret', true)).toEqual({ handRaised: true });
    expect(calls[0].url).toBe('/api/rooms/K7QXM2/hand');
    expect(calls[0].url).not.toContain('secret');
    expect(calls[0].init).toMatchObject({ method: 'PUT', body: '{"raised":true}' });
    expect(calls[0].init.headers).toEqual({ authorization: 'Bearer secret', 'content-type': 'application/json' });
  });

  it("passes the server's refusal on in its own words; a client error is not retried, a rate limit is", async () => {
    answer(() => Response.json({ statusCode: 400, message: 'body/name must NOT have more than 60 characters' }, { status: 400 }));
    const bad = await refusal(workshopApi.join('K7QXM2', 'x'.repeat(61)));
    expect(bad).toMatchObject({ status: 400, message: 'body/name must NOT have more than 60 characters', retryable: false });
    answer(() => Response.json({ message: 'slow down' }, { status: 429 }));
    expect((await refusal(workshopApi.me('K7QXM2', 't'))).retryable).toBe(true);
  });

  it('reads a static file server (the lab without a workshop server) as "no server", and a network failure as "no answer"', async () => {
    answer(() => new Response('<!doctype html><title>Not found</title>', { status: 404, headers: { 'content-type': 'text/html' } }));
    expect(await refusal(workshopApi.join('K7QXM2', 'Ada'))).toMatchObject({ status: 0, message: NO_SERVER });
    answer(() => new Response('<!doctype html>', { status: 200, headers: { 'content-type': 'text/html' } }));
    expect((await refusal(workshopApi.join('K7QXM2', 'Ada'))).message).toBe(NO_SERVER);
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(await refusal(workshopApi.me('K7QXM2', 't'))).toMatchObject({ status: 0, message: NO_ANSWER, retryable: true });
  });

  it('hands the CSV export over as text, and the JSON export as indented JSON', async () => {
    answer(() => new Response('"learner"\r\n"Ada"\r\n', { headers: { 'content-type': 'text/csv; charset=utf-8' } }));
    expect(await workshopApi.exportText('K7QXM2', 't', 'csv')).toBe('"learner"\r\n"Ada"\r\n');
    answer(() => Response.json({ format: 'tailspin-workshop-export/1' }));
    expect(JSON.parse(await workshopApi.exportText('K7QXM2', 't', 'json'))).toEqual({ format: 'tailspin-workshop-export/1' });
  });
});
