import { runService } from "@pms/service";
import { scheduling } from "./service.ts";

await runService(scheduling);
