"""The live room over Socket.IO: sealed messages stored, then acknowledged, then broadcast in
the dialogue's ``seq`` order, and catch-up after a reconnection."""
