import { describeSqliteContract } from './support/sqlite';

// The default: writes go to the store's writer thread.
describeSqliteContract('sqlite', true);
