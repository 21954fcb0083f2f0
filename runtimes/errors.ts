// Errors a user can act on: each names the runtime and the file it was loading.

export class FilterLoadError extends Error {
  constructor(
    readonly runtime: string,
    readonly file: string,
    detail: string,
  ) {
    super(`${runtime}: cannot load ${file}: ${detail}`);
    this.name = 'FilterLoadError';
  }
}

export function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export function loadError(runtime: string, file: string, err: unknown): FilterLoadError {
  return new FilterLoadError(runtime, file, describe(err));
}
