import { runService } from "@pms/service";
import { billing } from "./service.ts";

await runService(billing);
