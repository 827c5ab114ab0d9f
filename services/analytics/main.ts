import { runService } from "@pms/service";
import { analytics } from "./service.ts";

await runService(analytics);
