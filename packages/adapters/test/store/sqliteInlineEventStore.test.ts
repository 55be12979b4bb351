import { describeSqliteContract } from './support/sqlite';

// writerThread: false, and the way every write goes when the writer thread is gone.
describeSqliteContract('sqlite (writes in line)', false);
