import type { Clock } from "./codec.js";
import { systemClock } from "./codec.js";
import type { Database } from "./database.js";
import type { KeyStore } from "./key-store.js";
import type { SpendStore } from "./spend-store.js";
import { SqlKeyStore } from "./sql-key-store.js";
import { SqlSpendStore } from "./sql-spend-store.js";
import { SqlTeamStore } from "./sql-team-store.js";
import { SqlUserStore } from "./sql-user-store.js";
import type { TeamStore } from "./team-store.js";
import type { UserStore } from "./user-store.js";

/** Every repository, as the proxy's dependencies object holds them. */
export interface Stores {
  keys: KeyStore;
  users: UserStore;
  teams: TeamStore;
  spend: SpendStore;
}

/** The SQL repositories over one open database (either dialect). */
export function createSqlStores(database: Database, clock: Clock = systemClock): Stores {
  return {
    keys: new SqlKeyStore(database.db, clock),
    users: new SqlUserStore(database.db, clock),
    teams: new SqlTeamStore(database.db, clock),
    spend: new SqlSpendStore(database),
  };
}
