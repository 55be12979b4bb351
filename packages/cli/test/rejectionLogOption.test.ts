import * as E from 'fp-ts/lib/Either.js';
import { rejectionLogOf } from '../src/rejectionLogOption';

test('serve takes the rejection log caps from the flags, else the environment, and refuses nonsense', () => {
  expect(rejectionLogOf({}, {})).toEqual(E.right({}));
  expect(rejectionLogOf({ 'rejection-log-max-mb': '8', 'rejection-log-max-days': '2' }, { PAYSTATE_REJECTION_LOG_MAX_MB: '99' })).toEqual(
    E.right({ maxBytes: 8 * 1024 * 1024, maxAgeSeconds: 2 * 86_400 }),
  );
  expect(rejectionLogOf({}, { PAYSTATE_REJECTION_LOG_MAX_MB: '0.5', PAYSTATE_REJECTION_LOG_MAX_DAYS: '7' })).toEqual(E.right({ maxBytes: 512 * 1024, maxAgeSeconds: 7 * 86_400 }));
  for (const bad of ['0', '-1', 'ten', '1e9', '']) {
    const r = rejectionLogOf({ 'rejection-log-max-mb': bad }, {});
    expect(E.isLeft(r) && r.left.message).toMatch(/^--rejection-log-max-mb: expected a positive number/);
  }
  const env = rejectionLogOf({}, { PAYSTATE_REJECTION_LOG_MAX_DAYS: 'forever' });
  expect(E.isLeft(env) && env.left.message).toMatch(/^PAYSTATE_REJECTION_LOG_MAX_DAYS: expected a positive number/);
});
