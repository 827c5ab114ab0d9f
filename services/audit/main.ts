import { runService } from "@pms/service";
import { audit } from "./service.ts";

await runService(audit);
