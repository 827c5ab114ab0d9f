import { runService } from "@pms/service";
import { clinical } from "./service.ts";

await runService(clinical);
