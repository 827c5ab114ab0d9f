import { runService } from "@pms/service";
import { patient } from "./service.ts";

await runService(patient);
