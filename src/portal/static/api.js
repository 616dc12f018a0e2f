/** An answer the portal API refused: `message` is meant for the person at the page. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Same-origin JSON calls; the session cookie goes along by itself (HttpOnly, this page cannot read it). */
export async function api(method, path, body) {
  const response = await fetch(`/portal/api${path}`, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const message = data && typeof data.message === 'string' ? data.message : `The server answered ${response.status}`;
    throw new ApiError(response.status, message);
  }
  return data;
}
