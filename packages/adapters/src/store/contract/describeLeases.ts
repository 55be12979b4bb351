/// <reference types="jest" />
/** The contract: subscription leases (fencing tokens, checkpoints that never go backwards), members and effect claims. */
import type { ContractContext } from './contractContext';
import { at, left, range, right } from './contractHelpers';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const describeLeases = ({ store, instances }: ContractContext): void => {
  const request = (owner: string, segment = 0, leaseMs = 60_000) => ({ subscriberId: 'fleet', segment, segments: 4, owner, leaseMs });

  describe('subscription leases', () => {
    test('one owner at a time; a renewal keeps the token, a takeover after expiry raises it', async () => {
      const s = store();
      const a = await right(s.acquireLease(request('a', 0, 500)));
      expect(a).toMatchObject({ subscriberId: 'fleet', segment: 0, segments: 4, owner: 'a', token: 1, position: 0 });
      expect(a?.remainingMs).toBeGreaterThan(0);
      expect(await right(s.acquireLease(request('b', 0, 500)))).toBeUndefined();
      expect((await right(s.acquireLease(request('a', 0, 500))))?.token).toBe(1);
      await sleep(700);
      const b = await right(s.acquireLease(request('b', 0, 60_000)));
      expect(b).toMatchObject({ owner: 'b', token: 2 });
      expect(await right(s.acquireLease(request('a', 0, 500)))).toBeUndefined();
    });

    test('a fenced holder cannot write its checkpoint, and a checkpoint never goes backwards', async () => {
      const s = store();
      const a = await right(s.acquireLease(request('a', 1, 300)));
      expect(await right(s.saveLeasedCheckpoint('fleet', 1, a!.token, 4))).toBe(true);
      await sleep(500);
      // a is paused past its lease; b takes the segment over and moves on.
      const b = await right(s.acquireLease(request('b', 1)));
      expect(b).toMatchObject({ token: a!.token + 1, position: 4 });
      expect(await right(s.saveLeasedCheckpoint('fleet', 1, b!.token, 10))).toBe(true);
      // a wakes up: its writes, forward or backward, are refused.
      expect(await right(s.saveLeasedCheckpoint('fleet', 1, a!.token, 6))).toBe(false);
      expect(await right(s.saveLeasedCheckpoint('fleet', 1, a!.token, 20))).toBe(false);
      expect(await right(s.saveLeasedCheckpoint('fleet', 1, b!.token, 9))).toBe(false);
      expect(await right(s.saveLeasedCheckpoint('fleet', 1, b!.token, 10))).toBe(true);
      const leases = await right(s.readLeases('fleet'));
      expect(leases).toEqual([expect.objectContaining({ segment: 1, owner: 'b', token: b!.token, position: 10 })]);
    });

    test('a released lease is taken at once, with a new token; a release with a stale token does nothing', async () => {
      const s = store();
      const a = await right(s.acquireLease(request('a', 2)));
      await right(s.releaseLease('fleet', 2, 'a', a!.token + 5));
      expect(await right(s.acquireLease(request('b', 2)))).toBeUndefined();
      await right(s.releaseLease('fleet', 2, 'a', a!.token));
      expect((await right(s.readLeases('fleet')))[0]).toMatchObject({ owner: null, remainingMs: 0 });
      expect(await right(s.saveLeasedCheckpoint('fleet', 2, a!.token, 3))).toBe(false);
      expect(await right(s.acquireLease(request('b', 2)))).toMatchObject({ owner: 'b', token: a!.token + 1 });
    });

    test('a new segment starts after startAfter, else after the checkpoint; getCheckpoint is then the lowest segment checkpoint', async () => {
      const s = store();
      await right(s.putCheckpoint('fleet', 7));
      expect((await right(s.acquireLease(request('a', 0))))?.position).toBe(7);
      expect((await right(s.acquireLease({ ...request('a', 1), startAfter: 3 })))?.position).toBe(3);
      expect(await right(s.getCheckpoint('fleet'))).toBe(3);
      expect(await right(s.saveLeasedCheckpoint('fleet', 1, 1, 12))).toBe(true);
      expect(await right(s.getCheckpoint('fleet'))).toBe(7);
      expect(await right(s.getCheckpoint('other'))).toBe(0);
    });

    test('racing owners of one segment: exactly one gets it', async () => {
      const targets = await instances();
      const got = await Promise.all(range(0, 7).map((i) => right(at(targets, i).acquireLease(request(`owner-${i}`, 3)))));
      const winners = got.filter((l) => l !== undefined);
      expect(winners).toHaveLength(1);
      expect(winners[0]?.token).toBe(1);
    });

    test('bad requests are refused, naming the field', async () => {
      const s = store();
      expect(await left(s.acquireLease({ ...request('a'), segment: 4 }))).toMatchObject({ _tag: 'InvalidArgument', reason: expect.stringContaining('segment') });
      expect(await left(s.acquireLease({ ...request('a'), leaseMs: 0 }))).toMatchObject({ _tag: 'InvalidArgument', reason: expect.stringContaining('leaseMs') });
      expect(await left(s.acquireLease({ ...request(''), owner: '' }))).toMatchObject({ _tag: 'InvalidArgument', reason: expect.stringContaining('owner') });
      expect(await left(s.saveLeasedCheckpoint('fleet', 0, 1, -1))).toMatchObject({ _tag: 'InvalidArgument', reason: expect.stringContaining('position') });
    });
  });

  describe('subscriber members', () => {
    test('live members are listed sorted; one whose time ran out, or that left, is not', async () => {
      const s = store();
      expect(await right(s.joinSubscriber('fleet', 'p2', 60_000))).toEqual(['p2']);
      expect(await right(s.joinSubscriber('fleet', 'p1', 400))).toEqual(['p1', 'p2']);
      expect(await right(s.joinSubscriber('other', 'p3', 60_000))).toEqual(['p3']);
      await sleep(600);
      expect(await right(s.joinSubscriber('fleet', 'p2', 60_000))).toEqual(['p2']);
      await right(s.joinSubscriber('fleet', 'p4', 60_000));
      await right(s.leaveSubscriber('fleet', 'p2'));
      expect(await right(s.joinSubscriber('fleet', 'p4', 60_000))).toEqual(['p4']);
    });
  });

  describe('effect claims', () => {
    test('claimed once; then started until completed, done after; an abandoned claim can be claimed again', async () => {
      const s = store();
      expect(await right(s.claimEffect('fleet', 'o1@2:paid'))).toBe('claimed');
      expect(await right(s.claimEffect('fleet', 'o1@2:paid'))).toBe('started');
      expect(await right(s.claimEffect('other', 'o1@2:paid'))).toBe('claimed');
      expect((await right(s.readUnfinishedEffects('fleet'))).map((e) => e.key)).toEqual(['o1@2:paid']);
      await right(s.completeEffect('fleet', 'o1@2:paid'));
      expect(await right(s.claimEffect('fleet', 'o1@2:paid'))).toBe('done');
      await right(s.abandonEffect('fleet', 'o1@2:paid'));
      expect(await right(s.claimEffect('fleet', 'o1@2:paid'))).toBe('done');
      expect(await right(s.claimEffect('fleet', 'o2@2:paid'))).toBe('claimed');
      await right(s.abandonEffect('fleet', 'o2@2:paid'));
      expect(await right(s.readUnfinishedEffects('fleet'))).toEqual([]);
      expect(await right(s.claimEffect('fleet', 'o2@2:paid'))).toBe('claimed');
      expect(await left(s.claimEffect('fleet', ''))).toMatchObject({ _tag: 'InvalidArgument', reason: expect.stringContaining('effect key') });
    });

    test('racing claims of one key: exactly one is claimed', async () => {
      const targets = await instances();
      const answers = await Promise.all(range(0, 9).map((i) => right(at(targets, i).claimEffect('fleet', 'o9@1:paid'))));
      expect(answers.filter((a) => a === 'claimed')).toHaveLength(1);
      expect(answers.filter((a) => a === 'started')).toHaveLength(9);
    });
  });
};
