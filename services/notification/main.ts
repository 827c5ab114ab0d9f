import { runService } from "@pms/service";
import { notification } from "./service.ts";

await runService(notification);
