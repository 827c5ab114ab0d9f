import { runService } from "@pms/service";
import { gateway } from "./service.ts";

await runService(gateway);
