import { describeEventStoreContract } from '../../src/store/eventStore.contract';
import { getInMemoryEventStore } from '../../src/store/inMemoryEventStore';

describeEventStoreContract('in-memory', async () => {
  const store = getInMemoryEventStore();
  return { store, cleanup: () => store.close() };
}, { openWithCaps: async (rejectionLog, clock) => getInMemoryEventStore({ rejectionLog, clock }) });
