"""`mockint serve`: the practice room in the browser, local and private.

The browser is another Recorder and Speaker behind the ports the session engine already has
(mockint.ports): the page captures the microphone with an AudioWorklet and sends 16 kHz 16-bit
mono PCM over a WebSocket; `room.WebRecorder` writes it through the same TakeWriter and feeds
the same streaming transcriber; `room.WebSpeaker` has the page play the same cached voice WAV.

    guard.py   who may talk to the server: loopback Host, per-launch token → cookie, Origin
    room.py    one browser session: the engine's thread and its web Speaker/Recorder/View
    practice.py  wiring a room to the session engine, as commands/practice.py does a terminal
    pages.py   the HTML pages (the session and progress pages reuse mockint.render)
    app.py     the Starlette application: routes, the WebSocket, the session API
    server.py  binding 127.0.0.1, uvicorn, shutdown that finalizes open takes
"""
