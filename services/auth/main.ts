import { runService } from "@pms/service";
import { auth } from "./service.ts";

await runService(auth);
