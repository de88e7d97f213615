/** A TikTok-style failure: `code` goes into the envelope; the HTTP status stays 200 unless said otherwise. */
export class ApiError extends Error {
  readonly code: number;
  readonly httpStatus: number;

  constructor(code: number, message: string, httpStatus = 200) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

/** 40002: TikTok's answer for a bad parameter and for an object the token cannot reach. */
export const paramError = (message: string) => new ApiError(40002, message);
