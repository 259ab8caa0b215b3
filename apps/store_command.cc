// `herald store`: the store daemon, event records to SQLite or PostgreSQL (consumers/).
#include "apps/command.h"
#include "consumers/store/store.h"

namespace herald {

Command StoreCommand() {
  return DaemonCommand<StoreOptions>(kStoreStage, "Run the store: event records to SQLite or PostgreSQL",
                                     DeclareStoreSettings, RunStore);
}

}  // namespace herald
