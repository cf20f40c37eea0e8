import { startSilentServer } from '@mesh-momentum/testing';
const s = await startSilentServer();
console.log(s.port);
setInterval(() => {}, 1000);
